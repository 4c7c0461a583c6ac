"""Personal-data protection: encryption at rest and blind indexes (LGPD art. 46)."""
