// v1 document categories (personio-api.md §6.7): one unpaged list, the id outside `attributes`.
import { at, v1Unpaged, type RawPersonio } from './http'
import { int, text, type Row } from './values'

export async function expectedDocumentCategories(api: RawPersonio): Promise<Row[]> {
  const items = await v1Unpaged(api, '/v1/company/document-categories')
  return items.map((d) => ({ id: int(at(d, 'id')), name: text(at(d, 'attributes', 'name')) }))
}
