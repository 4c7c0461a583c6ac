"""Ouvidoria: SAC and ombudsman case handling for Brazilian regulated entities."""
