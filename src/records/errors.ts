/** A change asked of a record that does not exist (or no longer does): the error handler answers 404. */
export class RecordNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordNotFound';
  }
}
