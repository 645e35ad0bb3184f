"""Push: make a doc mirror a folder with the fewest writes."""
