// Zachary's karate club: the 34 members, the 78 friendships observed outside the club, and which
// of the two clubs each member joined after the split. A classic graph for node classification.

import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";

/**
 * The 78 undirected edges between members 0..33 (member 0 is the instructor "Mr. Hi", 33 the
 * administrator "Officer"), from W. W. Zachary, "An information flow model for conflict and fission
 * in small groups", Journal of Anthropological Research 33(4), 1977, as distributed by networkx's
 * karate_club_graph() (the matrix E of the paper, without the weights).
 */
export const KARATE_EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6], [0, 7], [0, 8], [0, 10], [0, 11], [0, 12], [0, 13], [0, 17],
  [0, 19], [0, 21], [0, 31], [1, 2], [1, 3], [1, 7], [1, 13], [1, 17], [1, 19], [1, 21], [1, 30], [2, 3], [2, 7],
  [2, 8], [2, 9], [2, 13], [2, 27], [2, 28], [2, 32], [3, 7], [3, 12], [3, 13], [4, 6], [4, 10], [5, 6], [5, 10],
  [5, 16], [6, 16], [8, 30], [8, 32], [8, 33], [9, 33], [13, 33], [14, 32], [14, 33], [15, 32], [15, 33], [18, 32], [18, 33],
  [19, 33], [20, 32], [20, 33], [22, 32], [22, 33], [23, 25], [23, 27], [23, 29], [23, 32], [23, 33], [24, 25], [24, 27], [24, 31],
  [25, 31], [26, 29], [26, 33], [27, 33], [28, 31], [28, 33], [29, 32], [29, 33], [30, 32], [30, 33], [31, 32], [31, 33], [32, 33],
];

/** The club each member joined after the split (same source): 0 = Mr. Hi's (17), 1 = the Officer's (17). */
export const KARATE_CLUBS: readonly number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

/**
 * Zachary's karate club as tensors: `edgeIndex` int32 [2, 156] (each friendship in both directions,
 * PyTorch Geometric's layout: row 0 sources, row 1 targets), `labels` int32 [34] (the club), and
 * `numNodes` 34. The graph of torch_geometric.datasets.KarateClub; its labels are the two clubs
 * (PyG labels four communities instead).
 */
export function karateClub(): { edgeIndex: Tensor; labels: Tensor; numNodes: number } {
  const src = KARATE_EDGES.flatMap(([a, b]) => [a, b]);
  const dst = KARATE_EDGES.flatMap(([a, b]) => [b, a]);
  return {
    edgeIndex: tensor(Int32Array.from([...src, ...dst]), { shape: [2, src.length] }),
    labels: tensor(Int32Array.from(KARATE_CLUBS)),
    numNodes: KARATE_CLUBS.length,
  };
}
