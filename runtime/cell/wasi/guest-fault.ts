// A cell broke the rules of an interface: a handle that is not one of the
// host's resources, an empty poll list. The component model makes these
// traps, so the worker reports them as :cell/trap, not as a failure of
// the host. (jco's glue turns a handle it does not know into an object
// with our class's prototype and none of its state; every method checks
// for that first.)
export class GuestFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuestFault';
  }
}
