import { retryOnConflict } from '../../src/app/retry.js';
import { AppError } from '../../src/domain/errors.js';

describe('retryOnConflict', () => {
  test('given a commit that lost to a timer step once, then the use case is redone and succeeds', async () => {
    let tries = 0;
    const result = await retryOnConflict(async () => {
      tries++;
      if (tries === 1) throw new AppError('CONFLICT', 'instance <i> was changed concurrently (step 3)');
      return 'done';
    });

    expect(result).toBe('done');
    expect(tries).toBe(2);
  });

  test('given the task was completed by the other writer, then the redone work answers its own decision', async () => {
    let tries = 0;
    const work = async () => {
      tries++;
      if (tries === 1) throw new AppError('CONFLICT', 'changed concurrently');
      throw new AppError('TASK_NOT_OPEN', 'task <t> is completed');
    };

    await expect(retryOnConflict(work)).rejects.toMatchObject({ code: 'TASK_NOT_OPEN' });
    expect(tries).toBe(2);
  });

  test('given conflicts every time, then it gives up after the attempts with CONFLICT, and other errors are not retried', async () => {
    let tries = 0;
    await expect(
      retryOnConflict(async () => {
        tries++;
        throw new AppError('CONFLICT', 'again');
      }, 3),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(tries).toBe(3);

    let failures = 0;
    await expect(
      retryOnConflict(async () => {
        failures++;
        throw new Error('database is locked');
      }),
    ).rejects.toThrow('database is locked');
    expect(failures).toBe(1);
  });
});
