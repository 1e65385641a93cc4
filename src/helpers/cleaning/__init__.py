"""Step 01: recode the export, link submissions to frame units, write the processed files and read them back."""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'clean': ['CleanedWave', 'DISPOSITIONS', 'LOG_COLUMNS', 'NO_SUBMISSION', 'clean_wave', 'data_dictionary',
        'write_cleaned'],
    'numbers': ['Reading', 'parse_answers', 'read_number'],
    'times': ['DATE_TIME_SHAPE', 'check_fieldwork', 'parse_submission_times', 'reads_as_time'],
    'linkage': ['ABBREVIATIONS', 'COMPATIBLE_TYPES', 'SIREN', 'TYPE_WORDS', 'clean_identifier', 'core_name',
        'link_submissions', 'name_similarity'],
    'processed': ['UNIT_TEXT_COLUMNS', 'read_answers', 'read_units', 'read_weights'],
    'recode': ['MISSING_SUFFIX', 'Recoded', 'recode_answers', 'value_columns'],
})
