"""Classes, lessons, enrolments, the lesson ledger and attendance (services; views come later)."""
