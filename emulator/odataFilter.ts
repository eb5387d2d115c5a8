/**
 * The OData 4.0 subset the Compute Ops Management API accepts in `filter`
 * (docs/api-facts.md#odata-filters): eq ne gt ge lt le in, and or not, contains(), string literals in
 * single quotes ('' escapes a quote), numbers, booleans, null, and nested
 * properties written with `/`. A nested path that crosses an array matches when
 * any element matches.
 */
type Value = string | number | boolean | null;
type Expr =
  | { kind: "compare"; op: string; path: string[]; value: Value }
  | { kind: "in"; path: string[]; values: Value[] }
  | { kind: "contains"; path: string[]; value: string }
  | { kind: "and" | "or"; left: Expr; right: Expr }
  | { kind: "not"; inner: Expr };

export class FilterSyntaxError extends Error {}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " ") {
      i++;
    } else if (c === "(" || c === ")" || c === ",") {
      tokens.push(c);
      i++;
    } else if (c === "'") {
      let j = i + 1;
      let s = "";
      for (;;) {
        if (j >= text.length) throw new FilterSyntaxError("unterminated string literal");
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += text[j++];
      }
      tokens.push(`'${s}`);
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !" (),'".includes(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

export function parseFilter(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    if (pos >= tokens.length) throw new FilterSyntaxError("unexpected end of filter");
    return tokens[pos++];
  };
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw new FilterSyntaxError(`expected '${t}' but found '${got}'`);
  };
  const literal = (): Value => {
    const t = next();
    if (t.startsWith("'")) return t.slice(1);
    if (t === "true") return true;
    if (t === "false") return false;
    if (t === "null") return null;
    // The spec's examples write timestamps bare: `createdAt le 2025-03-01T17:44:30Z`.
    // They compare as strings, which orders ISO-8601 UTC times correctly.
    if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(t)) return t;
    const n = Number(t);
    if (t !== "" && Number.isFinite(n)) return n;
    throw new FilterSyntaxError(`'${t}' is not a literal`);
  };
  const property = (): string[] => {
    const t = next();
    if (!/^[A-Za-z_][\w/]*$/.test(t)) throw new FilterSyntaxError(`'${t}' is not a property`);
    return t.split("/");
  };
  const primary = (): Expr => {
    const t = peek();
    if (t === "(") {
      next();
      const e = orExpr();
      expect(")");
      return e;
    }
    if (t === "not") {
      next();
      return { kind: "not", inner: primary() };
    }
    if (t === "contains") {
      next();
      expect("(");
      const path = property();
      expect(",");
      const value = literal();
      expect(")");
      if (typeof value !== "string") throw new FilterSyntaxError("contains() needs a string");
      return { kind: "contains", path, value };
    }
    const path = property();
    const op = next();
    if (op === "in") {
      expect("(");
      const values = [literal()];
      while (peek() === ",") {
        next();
        values.push(literal());
      }
      expect(")");
      return { kind: "in", path, values };
    }
    if (!["eq", "ne", "gt", "ge", "lt", "le"].includes(op)) {
      throw new FilterSyntaxError(`unknown operator '${op}'`);
    }
    return { kind: "compare", op, path, value: literal() };
  };
  const andExpr = (): Expr => {
    let left = primary();
    while (peek() === "and") {
      next();
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (peek() === "or") {
      next();
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  };
  const expr = orExpr();
  if (pos !== tokens.length) throw new FilterSyntaxError(`unexpected '${tokens[pos]}'`);
  return expr;
}

/** Every value at the path; arrays along the way are flattened. */
function valuesAt(object: unknown, path: string[]): unknown[] {
  let current: unknown[] = [object];
  for (const key of path) {
    const nextValues: unknown[] = [];
    for (const v of current) {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (item !== null && typeof item === "object" && key in item) {
          nextValues.push((item as Record<string, unknown>)[key]);
        }
      }
    }
    current = nextValues;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function compare(op: string, a: unknown, b: Value): boolean {
  switch (op) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    case "gt":
      return (a as number) > (b as number);
    case "ge":
      return (a as number) >= (b as number);
    case "lt":
      return (a as number) < (b as number);
    default:
      return (a as number) <= (b as number);
  }
}

export function matchesFilter(expr: Expr, object: unknown): boolean {
  switch (expr.kind) {
    case "and":
      return matchesFilter(expr.left, object) && matchesFilter(expr.right, object);
    case "or":
      return matchesFilter(expr.left, object) || matchesFilter(expr.right, object);
    case "not":
      return !matchesFilter(expr.inner, object);
    case "in":
      return valuesAt(object, expr.path).some((v) => expr.values.includes(v as Value));
    case "contains":
      return valuesAt(object, expr.path).some(
        (v) => typeof v === "string" && v.toLowerCase().includes(expr.value.toLowerCase()),
      );
    case "compare": {
      const values = valuesAt(object, expr.path);
      if (values.length === 0) return expr.op === "ne" ? expr.value !== null : expr.value === null;
      return expr.op === "ne"
        ? values.every((v) => compare("ne", v, expr.value))
        : values.some((v) => compare(expr.op, v, expr.value));
    }
  }
}

/** Every property path the filter names, written with `/` as in the filter. */
export function filterPaths(expr: Expr): string[] {
  switch (expr.kind) {
    case "and":
    case "or":
      return [...filterPaths(expr.left), ...filterPaths(expr.right)];
    case "not":
      return filterPaths(expr.inner);
    default:
      return [expr.path.join("/")];
  }
}
