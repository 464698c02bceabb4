// The configuration as every command loads it: the config loader's checks, then the settings
// whose meaning belongs to a layer above config/ (Personio's rate families), so that a bad
// PERSONIO_RATE_LIMITS is refused in one line by any command, as before, while config/ itself
// depends on nothing above it.
import { loadConfig as loadTree, type Config, type LoadOptions } from '../config'
import { rateSettings } from '../personio/rate-settings'

export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  const config = loadTree(options)
  rateSettings(config.personio)
  return config
}
