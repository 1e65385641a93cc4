"""What a run reads: the export (its formats, profile and check), the codebook, the wave configuration, text normalisation."""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'codebook': ['Codebook', 'CodebookFile', 'EXPORT_ROLES', 'Entry', 'Export', 'Indicator', 'Labels', 'Option',
        'PERSONAL_ROLES', 'QUESTION_TYPES', 'Routing',
        'Question', 'Scale', 'asked', 'load_codebook', 'value_columns'],
    'ingest': ['LINE_COLUMN', 'RawTable', 'RejectedRecord', 'SEPARATORS', 'column_key', 'decode', 'find_header',
        'fit_records', 'parse_decimal', 'parse_numbers', 'read_table', 'sniff_separator', 'split_records'],
    'schema': ['SCHEMAS', 'schema_text'],
    'textnorm': ['fold'],
    'exportcheck': ['MAX_PROBLEMS', 'OPTIONAL_ROLES', 'TypedCheck', 'export_schema', 'validate_export'],
    'exports': ['BlankedValue', 'DroppedRow', 'ExportRead', 'OtherText', 'read_export'],
    'profiles': ['EXPORTS_DIR', 'KEY_JOIN', 'ColumnLayout', 'DropRule', 'Header', 'Layout', 'Multi', 'Profile',
        'QuestionColumns', 'Templates', 'layout', 'load_profile', 'profile_names', 'profile_path'],
    'readers': ['FORMATS', 'STATA_LABEL_LENGTH', 'Grid', 'keyed_table', 'read_export_table', 'read_grid'],
    'validation': ['Problem', 'check', 'json_schema', 'problems_error', 'read_yaml'],
    'waves': ['INPUT_FILES', 'Wave', 'WaveSettings', 'load_wave', 'wave_path'],
})
