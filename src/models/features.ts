/**
 * The second input of a static potential's network when training.squaredPrice is on: the squared standardized price,
 * centred and scaled to unit variance for a normal price, (z^2 - 1) / sqrt 2. A ReLU network of z alone is linear
 * beyond the prices it trained on, while a quadratic cost (Table 2's y_i y_j, a variance payoff) keeps growing like
 * z^2, so `c <= phi` fails in theta's tail and those rare points carry the penalty; with this input phi can grow like
 * z^2 too (README "Scaling of the full form with d").
 */
export function squareFeature(z: number): number {
  return (z * z - 1) / Math.SQRT2;
}
