/**
 * A preset's client id and secret: the options', else `<PREFIX>_CLIENT_ID` and `<PREFIX>_CLIENT_SECRET`
 * from the environment (the names Python Ragbits reads), so an `--auth` module needs no secrets in code.
 */
export function presetCredentials(preset: string, envPrefix: string, options: { clientId?: string | undefined; clientSecret?: string | undefined }): { clientId: string; clientSecret: string } {
  const clientId = options.clientId ?? process.env[`${envPrefix}_CLIENT_ID`];
  const clientSecret = options.clientSecret ?? process.env[`${envPrefix}_CLIENT_SECRET`];
  if (!clientId || !clientSecret) {
    const missing = [!clientId && `${envPrefix}_CLIENT_ID`, !clientSecret && `${envPrefix}_CLIENT_SECRET`].filter(Boolean).join(" and ");
    throw new TypeError(`${preset}: set ${missing} (or pass clientId and clientSecret): the OAuth2 client registered for this server`);
  }
  return { clientId, clientSecret };
}
