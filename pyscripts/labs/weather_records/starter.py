"""Weather records: a day of station readings, kept in memory for the
morning bulletin (starter: correct, slow and memory-hungry)."""


def load_readings(rows):
    """One record per CSV row, as csv.DictReader would give it."""
    readings = []
    for station, hour, temperature, rain in rows:
        readings.append({"station": station, "hour": hour,
                         "temperature": temperature, "rain": rain})
    return readings


def morning_bulletin(rows):
    readings = load_readings(rows)
    frost = 0
    for reading in readings:
        if reading["temperature"] < 0:
            frost += 1
    total_rain = 0
    for reading in readings:
        total_rain += reading["rain"]
    warmest = None
    for reading in readings:
        if warmest is None or reading["temperature"] > warmest["temperature"]:
            warmest = reading
    warmest_station = warmest["station"] if warmest is not None else None
    return [frost, total_rain, warmest_station]
