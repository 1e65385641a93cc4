"""The sampling frame: its file format, and building it from the official public files."""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'build': ['FrameBuild', 'RuleApplication', 'build_frame', 'executives_in_office', 'locate_sources',
        'write_frame'],
    'official': ['Issue', 'Table', 'read_departements', 'read_epci', 'read_official', 'read_population',
        'read_regions', 'read_rne_departement_presidents', 'read_rne_epci_presidents', 'read_rne_mayors',
        'read_rne_region_presidents'],
    'reader': ['FRAME_COLUMNS', 'INVITATION_OUTCOMES', 'SIZE_CLASS_BOUNDS', 'SIZE_CLASS_LABELS',
        'WEIGHTING_COLUMNS', 'read_frame', 'reference_date', 'size_class', 'sort_units'],
})
