package org.mnemo.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Vectors clustered around random centres, as sentence embeddings are (random Gaussian ones are HNSW's worst case
 * and no embedder produces them): each point is its centre moved by noise as large as the centres' spread.
 */
final class ClusteredVectors {
    static final int DIMENSION = 384;

    private final Random random;
    private final double[][] centres;

    ClusteredVectors(long seed, int clusters) {
        random = new Random(seed);
        centres = new double[clusters][DIMENSION];
        for (double[] centre : centres) {
            for (int d = 0; d < DIMENSION; d++) {
                centre[d] = random.nextGaussian();
            }
        }
    }

    List<Double> next() {
        double[] centre = centres[random.nextInt(centres.length)];
        List<Double> v = new ArrayList<>(DIMENSION);
        for (double c : centre) {
            v.add(c + random.nextGaussian());
        }
        return v;
    }
}
