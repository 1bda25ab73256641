"""Weather records: a day of station readings, kept in memory for the
morning bulletin (reference solution)."""


class Reading:
    # Fixed attributes stored in the object itself: no dict per reading.
    __slots__ = ("station", "hour", "temperature", "rain")

    def __init__(self, station, hour, temperature, rain):
        self.station = station
        self.hour = hour
        self.temperature = temperature
        self.rain = rain


def load_readings(rows):
    return [Reading(station, hour, temperature, rain)
            for station, hour, temperature, rain in rows]


def morning_bulletin(rows):
    readings = load_readings(rows)
    frost = 0
    for reading in readings:
        if reading.temperature < 0:
            frost += 1
    total_rain = 0
    for reading in readings:
        total_rain += reading.rain
    warmest = None
    for reading in readings:
        if warmest is None or reading.temperature > warmest.temperature:
            warmest = reading
    warmest_station = warmest.station if warmest is not None else None
    return [frost, total_rain, warmest_station]
