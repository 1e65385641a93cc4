"""Reading what a survey tool delivers: the export's bytes and table, its codebook, text normalisation."""
