export { authModuleExampleUsers } from './authModuleExampleUsers';
export { EXAMPLE_USER_HEADER } from './exampleUsersAuthenticator';
