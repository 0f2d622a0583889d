"""Running a deployment: settings, wiring, the data directory, packaged files, migrations, logs, metrics, backups."""
