/** Form problems as the error summary and the fields show them: each message a sentence. */
export const formErrors = (errors: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, message.charAt(0).toUpperCase() + message.slice(1)]));
