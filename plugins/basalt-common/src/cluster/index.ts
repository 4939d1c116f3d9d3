export * from './conditions';
export * from './logs';
export * from './nodes';
export * from './pools';
export * from './status';
export * from './resource';
export * from './connections';
