-- Hourly readings per device (hours in UTC): count, temperature, humidity and the lowest battery.
-- silt: materialized = incremental, incremental_by = hour, partition_by = "day(hour)"
-- silt: expect not_null(device_id), expect not_null(hour), expect range(readings, 1, null)
-- silt: expect range(avg_temperature, -40, 85), expect range(min_battery, 0, 100) policy=warn
SELECT
  device_id,
  date_trunc('hour', timezone('UTC', ts)) AS hour,
  count(*) AS readings,
  avg(temperature) AS avg_temperature,
  min(temperature) AS min_temperature,
  max(temperature) AS max_temperature,
  avg(humidity) AS avg_humidity,
  min(battery) AS min_battery
FROM silver.sensor_readings
GROUP BY 1, 2
