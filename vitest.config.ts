import { defaultServerConditions, defineConfig } from 'vite';

// In-repo consumers read each package's `src` through the `@seqzoo/source` export condition,
// so tests never need a build.
const conditions = ['@seqzoo/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
