import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// These tests render whole cards in a test app and drive them with
// userEvent; on a loaded CI machine that takes longer than the defaults
// (1 s for findBy*/waitFor, 5 s per test) allow. Tests that wait for a
// poll, or do much more, set longer limits themselves.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(15_000);
