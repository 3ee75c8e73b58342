// Loaded with require() at start-up: a synchronous read before the event loop runs.
module.exports = { twice: (x) => 2 * x };
