// Lint: the structural rule first — a module imports core, never another module.
import tseslint from 'typescript-eslint';

const modules = ['vinted', 'promoteurs', 'releases'];
const boundary = (self) => ({
  files: [`src/${self}/**/*.ts`, `src/${self}/**/*.tsx`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: modules.filter((m) => m !== self).map((m) => ({ group: [`**/${m}/*`, `**/${m}`], message: `modules never import each other: move shared code to src/core` })),
    }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'data/**', 'bench/.cache/**', 'test-output/**'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    rules: {
      'no-debugger': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  ...modules.map(boundary),
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: modules.map((m) => ({ group: [`**/${m}/*`], message: 'core never imports a module' })) }],
    },
  },
);
