export * from './conditions';
export * from './logs';
export * from './nodes';
export * from './status';
export * from './resource';
