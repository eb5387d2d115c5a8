// ESLint flat config: typescript-eslint's recommended rules over the TypeScript sources.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importCycles from "./scripts/lint/importCycles.cjs";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "**/node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        module: "writable",
      },
    },
    rules: {
      // The provider shim and the lazy resource loader require() by design (docs/design.md#tiny-stable-serialized-provider).
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  // The provider's layers import one way: core <- http <- computeOps | opsManager <-
  // registry <- index. A resource importing what loads it would bring back the cycle.
  layer("provider/core/**", ["**/http/**", "**/computeOps/**", "**/opsManager/**"]),
  layer("provider/http/**", ["**/computeOps/**", "**/opsManager/**"]),
  layer("provider/computeOps/**", ["**/opsManager/**"]),
  layer("provider/opsManager/**", ["**/computeOps/**"]),
  // No import circle inside provider/, type-only imports included (scripts/lint/importCycles.cjs).
  {
    files: ["provider/**/*.ts"],
    plugins: { local: { rules: { "no-import-cycle": importCycles.rule } } },
    rules: { "local/no-import-cycle": ["error", { root: "provider" }] },
  },
  // The SDK loads only the import-free resource type definitions of the provider. Its
  // argument and output types come from the provider's schemas by type-only imports,
  // which compile to nothing, so loading the SDK stays as light as it is.
  {
    files: ["sdk/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)provider(/(?!core/resourceTypes$)|$)",
              allowTypeImports: true,
              message:
                "The SDK may load only provider/core/resourceTypes from the provider; other provider modules only with `import type`.",
            },
          ],
        },
      ],
    },
  },
  // Nor does the SDK require() the provider, except on the two documented lazy
  // paths: the serialized shim (docs/design.md#tiny-stable-serialized-provider) and
  // the lookups, loaded on first use so that importing the SDK loads no HTTP client.
  {
    files: ["sdk/**/*.ts"],
    ignores: ["sdk/providerShim.ts", "sdk/computeOps/lookups.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.name='require']",
          message:
            "The SDK loads the provider only through providerShim.ts and the lookups' lazy require.",
        },
      ],
    },
  },
  {
    files: ["provider/core/resourceTypes.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportDeclaration, ExportAllDeclaration, ExportNamedDeclaration[source]",
          message:
            "The resource type definitions stay import-free: the SDK loads them in every program.",
        },
      ],
    },
  },
);

/** Files of one provider layer may not import the layers above it, nor the registry or index. */
function layer(files, forbidden) {
  return {
    files: [files],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                ...forbidden,
                "**/registry",
                "**/provider",
                "../index",
                "../../index",
                "pulumi-ops-management/provider",
              ],
              message:
                "provider/ layers import one way: core <- http <- computeOps | opsManager <- registry <- index.",
            },
          ],
        },
      ],
    },
  };
}
