/** Injection token of the validated CommonEnvironment (or a service's subclass of it). */
export const COMMON_ENV = Symbol('COMMON_ENV');
