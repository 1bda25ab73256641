"""Nearest store: how far each customer lives from the closest store
(starter: correct, slow)."""

import math

EARTH_RADIUS_KM = 6371.0


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance between two points given in degrees (the
    haversine formula)."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    half_dphi = math.radians(lat2 - lat1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = (math.sin(half_dphi) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_store_distances(customers, stores):
    distances = []
    for customer_lat, customer_lon in customers:
        nearest = None
        for store_lat, store_lon in stores:
            d = distance_km(customer_lat, customer_lon, store_lat, store_lon)
            if nearest is None or d < nearest:
                nearest = d
        distances.append(nearest)
    return distances
