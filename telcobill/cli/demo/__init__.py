"""The demo operator: a deterministic, realistic French MVNO built through the real use cases."""
