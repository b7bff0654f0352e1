"""The classroom: `tutor serve` (students connect with ssh) and `tutor class` (the teacher's
view of where everyone is)."""
