"""Step 01: recode the export, link submissions to frame units, write the processed files and read them back."""
