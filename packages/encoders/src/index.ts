// Work on this package has not started; it exports nothing yet (see README.md).
export {};
