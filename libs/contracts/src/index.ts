export * from './topics';
export * from './vocabulary';
export * from './events';
export * from './headers';
export * from './schemas';
export * from './iso';
export * from './asyncapi';
export * from './text';
