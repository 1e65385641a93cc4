"""The yearly run: the papermill runner, the wave's lock, publishing its outputs, and its status.

The wave configuration it runs is read by :mod:`helpers.inputs.waves`.
"""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'lock': ['WaveLock'],
    'notebooks': ['KERNEL', 'execute_notebook', 'normalise_notebook'],
    'pipeline': ['STEPS', 'STEP_GROUPS', 'run'],
    'publish': ['complete_interrupted', 'publish_run'],
    'staging': ['RunLayout'],
    'status': ['wave_status'],
})
