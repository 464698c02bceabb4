// Where other machines reach a worker's ops endpoint (status --group reads its /readyz there).
import { networkInterfaces } from 'node:os'
import { advertised } from '../../../src/cli/worker-run'

describe('cli > worker-run > advertised', () => {
  it('keeps the URL of an endpoint bound to one interface', () => {
    expect(advertised('http://10.1.2.3:9464', '10.1.2.3')).toBe('http://10.1.2.3:9464')
  })

  it("names this machine's external address, not 127.0.0.1, when bound to every interface", () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
    const url = advertised('http://127.0.0.1:9464', '0.0.0.0')
    expect(url).toBe(external === undefined ? 'http://127.0.0.1:9464' : `http://${external.address}:9464`)
  })
})
