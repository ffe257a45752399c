"""telcobill: billing platform and customer space for telecom operators."""
