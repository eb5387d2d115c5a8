/**
 * The contract every resource implementation fulfils, and the typed adapter each
 * resource module writes its lifecycle against (docs/design.md#typed-not-generic).
 * It lives below the resources and the registry, so a resource never imports what
 * loads it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { UnknownKeysParam, ZodObject, ZodRawShape, ZodType, ZodTypeDef } from "zod";
import { checkAdoption, checkInputs, withoutProvider, type Adoption } from "./lifecycle";
import { providerKey } from "./pulumiResults";
import type { resourceTypes, ResourceTypeName } from "./resourceTypes";

export type { ResourceTypeName } from "./resourceTypes";

/** Every resource implementation has all six lifecycle methods. */
export type ResourceImplementation = Required<
  Pick<dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">
>;

/**
 * One resource type's shapes, declared once in its module: what a program declares
 * and what the stack records. The SDK's argument and output types, the package
 * schema and the reference pages are all derived from these two schemas.
 */
export interface ResourceSchemas<Inputs, State> {
  readonly type: ResourceTypeName;
  /** The inputs: check validates with it, and create and update receive what it parses. */
  readonly inputs: ZodType<Inputs, ZodTypeDef, unknown>;
  /** What the stack records: the declared inputs and the API's read-only fields. */
  readonly outputs: ZodObject<ZodRawShape, UnknownKeysParam, ZodType, State>;
  /**
   * The fields a program declares, for a type whose `inputs` checks them in code no
   * zod object can express (ExternalService's shapes that depend on its serviceType):
   * the package schema and the reference page read this instead.
   */
  readonly declared?: ZodObject<ZodRawShape>;
  /**
   * A valid declaration that sets every input: the tests put unknowns at each of its
   * paths, the benchmark serializes a resource of it, and the reference page shows it.
   */
  readonly example: Readonly<Record<string, unknown>>;
}

/** The properties a type's definition says the stack records. */
type ListedOutputs<T extends ResourceTypeName> = (typeof resourceTypes)[T]["outputs"][number];

/** Empty when the output schema's keys are exactly the listed ones; else a message, as a required argument. */
type OutputsListed<State, Listed> = [
  Exclude<keyof State, Listed>,
  Exclude<Listed, keyof State>,
] extends [never, never]
  ? []
  : [
      mismatch: {
        notListed: Exclude<keyof State, Listed>;
        notInSchema: Exclude<Listed, keyof State>;
      },
    ];

/**
 * A type's schemas, checked at compile time against its definition's `outputs`
 * list, so the SDK's Output properties and the schema cannot disagree.
 */
export function resourceSchemas<T extends ResourceTypeName, Inputs, Given, State>(
  schemas: {
    readonly type: T;
    readonly inputs: ZodType<Inputs, ZodTypeDef, Given>;
    readonly outputs: ZodObject<ZodRawShape, UnknownKeysParam, ZodType, State>;
    readonly declared?: ZodObject<ZodRawShape>;
    readonly example: Given & Readonly<Record<string, unknown>>;
  },
  ..._listed: OutputsListed<State, ListedOutputs<T>>
): ResourceSchemas<Inputs, State> {
  return schemas;
}

/**
 * What the registry loads of one resource type: its schemas, its lifecycle and how
 * `recover` finds what a killed create left. Each resource module exports one, as
 * `resourceModule`, so registering a type is one line.
 */
export interface ResourceModule {
  readonly schemas: ResourceSchemas<unknown, unknown>;
  readonly implementation: ResourceImplementation;
  readonly recovery: () => Recovery;
}

/**
 * What the stack holds for a resource: the outputs this provider returned, plus the
 * serialized provider. Partial, because `get` and `import` hand over an id alone.
 */
export type Recorded<State> = Partial<State> & { readonly [providerKey]?: unknown };

/**
 * What read answers: the live object in output shape, and in input shape for drift.
 * Partial, because an object read by `get` has only what the API shows of it (no
 * credentials, no input the API does not echo), and a type whose object may vanish
 * once its work is done (a job deleted on completion) keeps what it recorded, which
 * `get` may have left partial, and carries the serialized provider along.
 */
export interface ReadAnswer<State> {
  id: string;
  props?: Recorded<State>;
  inputs?: Record<string, unknown>;
}

/**
 * A resource's lifecycle on typed values. Create and update receive parsed inputs
 * (check ran first, so parsing cannot fail on what the engine sends) and the
 * serialized provider, which a partial create must carry. Diff's new inputs stay
 * unparsed: during a preview they may hold unknowns, which the check let through.
 */
export interface TypedLifecycle<Inputs, State, Adopted extends { id: string } = { id: string }> {
  /** Defaults to validating the inputs with the type's schema. */
  check?(olds: Recorded<State>, news: Record<string, unknown>): Promise<dynamic.CheckResult>;
  /**
   * For a type that adopts: how the object `adoptId` names is adopted (undefined
   * without an adoptId). Check then previews the adoption (`checkAdoption`), and
   * create is expected to adopt through the same description.
   */
  adoptionOf?(inputs: Inputs): Adoption<Adopted> | undefined;
  diff(id: string, olds: State, news: Record<string, unknown>): Promise<dynamic.DiffResult>;
  create(inputs: Inputs, provider: unknown): Promise<{ id: string; outs: State }>;
  read(id: string, recorded: Recorded<State>): Promise<ReadAnswer<State>>;
  update(id: string, olds: State, inputs: Inputs, provider: unknown): Promise<{ outs: State }>;
  delete(id: string, recorded: State): Promise<void>;
}

/**
 * The implementation Pulumi's host calls, from a typed lifecycle. The only casts of
 * the provider are here: state is what this provider returned, so it is read as the
 * type's outputs rather than parsed again (older releases' state must still load).
 */
export function typedImplementation<Inputs, State, Adopted extends { id: string }>(
  schemas: ResourceSchemas<Inputs, State>,
  lifecycle: TypedLifecycle<Inputs, State, Adopted>,
): ResourceImplementation {
  const parse = (news: Record<string, unknown>) => schemas.inputs.parse(withoutProvider(news));
  return {
    async check(olds, news) {
      const checked = lifecycle.check
        ? await lifecycle.check(olds as Recorded<State>, news)
        : checkInputs(schemas.type, news, (raw) => schemas.inputs.safeParse(raw));
      const adoptionOf = lifecycle.adoptionOf;
      if (adoptionOf === undefined) return checked;
      return checkAdoption(olds, checked, (valid) => adoptionOf(parse(valid)));
    },
    async diff(id, olds, news) {
      return lifecycle.diff(id, olds as State, news);
    },
    async create(news) {
      return lifecycle.create(parse(news), news[providerKey]);
    },
    async read(id, props) {
      return lifecycle.read(id, (props ?? {}) as Recorded<State>);
    },
    async update(id, olds, news) {
      return lifecycle.update(id, olds as State, parse(news), news[providerKey]);
    },
    async delete(id, props) {
      await lifecycle.delete(id, props as State);
    },
  };
}

/** An object found through the API that a create whose answer never arrived may have made. */
export interface RecoveryCandidate {
  id: string;
  createdAt?: string;
  /** What read and delete need besides the inputs (an activation key's string). */
  props?: Record<string, unknown>;
}

/** How `recover` finds what a killed run created (docs/design.md#recovering-a-killed-run). */
export interface Recovery {
  /** The objects that carry every declared input (checked inputs), oldest first. */
  candidates(inputs: Record<string, unknown>): Promise<RecoveryCandidate[]>;
}

/** Candidates in creation order, for pairing identical declarations with objects. */
export function byCreation(candidates: RecoveryCandidate[]): RecoveryCandidate[] {
  return [...candidates].sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? ""));
}
