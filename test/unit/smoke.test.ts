import { AppError } from '../../src/domain/errors.js';

test('errors carry a stable code', () => {
  expect(new AppError('CONFLICT', 'x').code).toBe('CONFLICT');
});
