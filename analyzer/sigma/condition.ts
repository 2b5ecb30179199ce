/** A Sigma condition as a tree: selections combined with and/or/not and `1 of` / `all of` quantifiers. */
export type Condition =
  | { op: 'sel'; name: string }
  | { op: 'not'; arg: Condition }
  | { op: 'and' | 'or'; args: Condition[] }
  | { op: 'of'; quantifier: 'one' | 'all'; names: string[] };

/** Parses a condition; throws an Error whose message says what is unsupported. */
export function parseCondition(text: string, selections: readonly string[]): Condition {
  if (text.includes('|')) throw new Error('aggregations in conditions (`| count() ...`) are not supported');
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];

  const expand = (pattern: string): string[] => {
    if (pattern === 'them') return [...selections];
    if (!/^[A-Za-z0-9_*]+$/.test(pattern)) throw new Error(`'${pattern}' is not a selection name or pattern`);
    const re = new RegExp(`^${pattern.replace(/\*/g, '.*')}$`);
    const names = selections.filter((s) => re.test(s));
    if (names.length === 0) throw new Error(`'${pattern}' matches no selection`);
    return names;
  };

  function primary(): Condition {
    const t = next();
    if (t === undefined) throw new Error('condition ends too early');
    if (t === '(') {
      const inner = orExpr();
      if (next() !== ')') throw new Error("missing ')'");
      return inner;
    }
    if (t === 'not') return { op: 'not', arg: primary() };
    if (t === '1' || t === 'all' || t === 'any') {
      if (next() !== 'of') throw new Error(`expected 'of' after '${t}'`);
      const target = next();
      if (target === undefined) throw new Error(`'${t} of' needs a selection pattern or 'them'`);
      return { op: 'of', quantifier: t === 'all' ? 'all' : 'one', names: expand(target) };
    }
    if (/^\d+$/.test(t)) throw new Error(`'${t} of' is not supported (only '1 of' and 'all of')`);
    if (t === 'and' || t === 'or' || t === ')') throw new Error(`unexpected '${t}'`);
    if (t.includes('*')) throw new Error(`a pattern like '${t}' needs '1 of' or 'all of'`);
    if (!selections.includes(t)) throw new Error(`condition names '${t}', which is not a selection`);
    return { op: 'sel', name: t };
  }
  function andExpr(): Condition {
    const args = [primary()];
    while (peek() === 'and') {
      next();
      args.push(primary());
    }
    return args.length === 1 ? (args[0] as Condition) : { op: 'and', args };
  }
  function orExpr(): Condition {
    const args = [andExpr()];
    while (peek() === 'or') {
      next();
      args.push(andExpr());
    }
    return args.length === 1 ? (args[0] as Condition) : { op: 'or', args };
  }
  const tree = orExpr();
  if (i !== tokens.length) throw new Error(`unexpected '${tokens[i]}'`);
  return tree;
}

/** Evaluates a condition given each selection's result (computed lazily). */
export function evaluate(c: Condition, sel: (name: string) => boolean): boolean {
  switch (c.op) {
    case 'sel':
      return sel(c.name);
    case 'not':
      return !evaluate(c.arg, sel);
    case 'and':
      return c.args.every((a) => evaluate(a, sel));
    case 'or':
      return c.args.some((a) => evaluate(a, sel));
    case 'of':
      return c.quantifier === 'all' ? c.names.every(sel) : c.names.some(sel);
  }
}
