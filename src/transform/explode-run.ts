/** Running a contract's explodes after the parent's own run: each child contract over its elements. */
import type { Engine } from '../engine/index.js';
import type { ExplodeSpec } from './contract-shape.js';
import { bindContract } from './derived-columns.js';
import { childContract, dropExplodeRelations, explodeRelations, type ExplodeRelations } from './explode.js';
import { releaseContractRun, runContract, type ContractRunInput, type ContractRunOutput } from './run-contract.js';

export interface ExplodeRun {
  readonly spec: ExplodeSpec;
  /** The parent rows of the batch whose children these are: the child rows of their keys are replaced. */
  readonly relations: ExplodeRelations;
  readonly out: ContractRunOutput;
}

/**
 * Runs every explode of `input.contract` over the parent rows in `merged` (the parent run's
 * output). The caller commits each child's `out` with the parent, or releases them all.
 */
export async function runExplodes(engine: Engine, input: ContractRunInput, merged: string): Promise<ExplodeRun[]> {
  const parent = await bindContract(engine, input.contract, input.name);
  const runs: ExplodeRun[] = [];
  try {
    for (const spec of parent.explode ?? []) {
      const prefix = `__silt_explode_${input.name}_${spec.into}`;
      const relations = await explodeRelations(engine, parent, spec, { source: input.source, merged, prefix }, `transform: silver.${input.name}`);
      try {
        // No current child rows: a kept parent's children are all replaced by its new elements.
        const { current, ...rest } = input;
        void current;
        const out = await runContract(engine, { ...rest, contract: childContract(parent, spec), name: spec.into, source: relations.elements });
        runs.push({ spec, relations, out });
      } catch (e) {
        await dropExplodeRelations(engine, relations);
        throw e;
      }
    }
    return runs;
  } catch (e) {
    await releaseExplodes(engine, runs);
    throw e;
  }
}

export async function releaseExplodes(engine: Engine, runs: readonly ExplodeRun[]): Promise<void> {
  for (const r of runs) {
    await releaseContractRun(engine, r.out);
    await dropExplodeRelations(engine, r.relations);
  }
}
