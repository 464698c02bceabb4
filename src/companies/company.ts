// A company as data (issue #28): one JSON file per company in COMPANIES_DIR, named `<id>.json`.
// The file names what differs between companies: its topics, its Personio account (the secret by
// file reference, never in the file or in a topic), the resources it captures, its field policy
// and its webhook token. Everything else (brokers, registry, intervals, limits) is the
// deployment's, from the environment as today.
import type { FieldPolicyConfig } from '../config/schema'

/** What a company file says, checked; secrets are still file names here. */
export interface CompanySpec {
  /** the file name without `.json`: [a-z0-9][a-z0-9-]{0,62} (it goes into metric labels and URL paths) */
  id: string
  /** the topics prefix: `<prefix>.<resource>`, `<prefix>._state`, … one company per prefix */
  prefix: string
  personio: {
    /** default: the deployment's PERSONIO_BASE_URL */
    baseUrl?: string
    clientId: string
    /** absolute, or relative to the companies directory */
    clientSecretFile: string
  }
  /** default: the deployment's CAPTURE_RESOURCES */
  resources?: string[]
  /** default: the deployment's FIELD_POLICY */
  fieldPolicy?: FieldPolicyConfig
  /** the token Personio sends with this company's deliveries (absolute, or relative to the directory) */
  webhookTokenFile?: string
}

/** A company ready to run: its spec, its secrets read, and a fingerprint of both (a change restarts it). */
export interface Company {
  spec: CompanySpec
  /** the file it came from */
  file: string
  clientSecret: string
  webhookToken?: string
  /** sha256 of the file and of the secrets it names: equal fingerprints, nothing to restart */
  fingerprint: string
}

/** A company file not taken, in one line that says what is wrong and what to do. */
export interface RefusedCompany {
  file: string
  /** when the file name gives one */
  id?: string
  /** the whole line, beginning with the file: `companies/acme.json: personio.clientId is missing; e.g. …` */
  why: string
}

/** What one scan of the directory found. */
export interface CompanyDirectory {
  companies: ReadonlyMap<string, Company>
  refused: readonly RefusedCompany[]
}
