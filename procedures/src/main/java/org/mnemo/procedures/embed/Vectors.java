package org.mnemo.procedures.embed;

import java.util.ArrayList;
import java.util.List;

/** Conversions between the float arrays embedders produce and the lists Cypher hands around. */
public final class Vectors {
    private Vectors() {}

    public static List<Double> toList(float[] vector) {
        List<Double> list = new ArrayList<>(vector.length);
        for (float v : vector) {
            list.add((double) v);
        }
        return list;
    }

    /** Reads a vector from a procedure argument, checking that it is numeric and has the expected dimension. */
    public static float[] fromList(Object value, int dimension, String what) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(what + " must be a list of numbers");
        }
        if (list.size() != dimension) {
            throw new IllegalArgumentException(
                    what + " has dimension " + list.size() + " but the configured embedder produces " + dimension);
        }
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new IllegalArgumentException(what + " must hold only numbers (position " + i + ")");
            }
            vector[i] = n.floatValue();
            if (!Float.isFinite(vector[i])) {
                throw new IllegalArgumentException(what + " holds a non-finite number at position " + i);
            }
        }
        return vector;
    }
}
