"""Nearest store: how far each customer lives from the closest store
(reference solution, with NumPy)."""

import numpy

EARTH_RADIUS_KM = 6371.0


def nearest_store_distances(customers, stores):
    if not customers:
        return []
    customers = numpy.array(customers, dtype=numpy.float64).reshape(-1, 2)
    stores = numpy.array(stores, dtype=numpy.float64).reshape(-1, 2)
    # Broadcasting: a column of customers against a row of stores gives the
    # whole customers x stores table with one call per operation.
    customer_lat = customers[:, 0, numpy.newaxis]
    customer_lon = customers[:, 1, numpy.newaxis]
    store_lat = stores[:, 0]
    store_lon = stores[:, 1]
    half_dphi = numpy.radians(store_lat - customer_lat) / 2
    half_dlambda = numpy.radians(store_lon - customer_lon) / 2
    a = (numpy.sin(half_dphi) ** 2
         + numpy.cos(numpy.radians(customer_lat)) * numpy.cos(numpy.radians(store_lat))
         * numpy.sin(half_dlambda) ** 2)
    # The distance grows with a: take the smallest a per customer first,
    # then convert only those to kilometres.
    nearest_a = a.min(axis=1)
    return (2 * EARTH_RADIUS_KM * numpy.arcsin(numpy.minimum(1.0, numpy.sqrt(nearest_a)))).tolist()
