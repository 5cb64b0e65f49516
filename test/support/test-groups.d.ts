/** Types of test-groups.js (plain JavaScript: jest.groups.config.js loads it outside Jest). */

/** Where the group entry files are. */
export declare const GROUPS_DIR: string;
/** Every `*.test.ts` under test/, relative to test/, sorted. */
export declare function testFiles(): string[];
/** The groups (name to member files, relative to test/), in the order they are run. */
export declare function testGroups(files?: readonly string[]): Map<string, string[]>;
/** Imports the members of the group named by the calling group file. */
export declare function importGroup(groupFileUrl: string): Promise<void>;
/** Throws unless each group has its entry file and a member, and each entry file a group. */
export declare function checkGroupFiles(groups?: Map<string, string[]>): void;
