"""Data exchange with ministry systems (专网业务系统): their case facts as JSON or CSV batches."""
