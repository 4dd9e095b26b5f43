__version__ = "0.1.0"

# Written by hand, not exported from a notebook: it must run before any stemsep module imports keras, which reads
# KERAS_BACKEND once, at its first import (nbdev keeps this file and only updates the version line above).
def _choose_keras_backend():
    """Keras' backend, where neither KERAS_BACKEND nor ~/.keras/keras.json chose one that is installed: TensorFlow
    if installed (keras' own default), else JAX, else PyTorch."""
    import importlib.util, json, os, sys
    if 'KERAS_BACKEND' in os.environ or 'keras' in sys.modules: return
    installed = [b for b, module in (('tensorflow', 'tensorflow'), ('jax', 'jax'), ('torch', 'torch'))
                 if importlib.util.find_spec(module) is not None]
    home = os.environ.get('KERAS_HOME') or os.path.join(os.path.expanduser('~'), '.keras')
    try:
        with open(os.path.join(home, 'keras.json')) as f: configured = json.load(f).get('backend')
    except (OSError, ValueError, AttributeError): configured = None
    if configured in installed: return
    if installed: os.environ['KERAS_BACKEND'] = installed[0]

_choose_keras_backend()

# The Python API is as quiet as the command line: TensorFlow's, absl's and CUDA's start-up lines (cuInit, CPU features,
# "All log messages before absl::InitializeLog()") stay off stderr unless STEMSEP_VERBOSE=1 or the variables are set.
QUIET_ENV = dict(TF_CPP_MIN_LOG_LEVEL='3',         # TensorFlow's C++ INFO/WARNING/ERROR lines (cuInit, CPU features)
                 TF_CPP_MIN_VLOG_LEVEL='0', GRPC_VERBOSITY='ERROR', GLOG_minloglevel='3', ABSL_MIN_LOG_LEVEL='3')
NOISY_MODULES = ('tensorflow',)                    # C++ libraries that log while they load

import contextlib as _contextlib, importlib.abc as _abc

@_contextlib.contextmanager
def silenced_stderr():
    "File descriptor 2 (C and C++ code included) goes to /dev/null inside the block."
    import os, sys
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, 'w') as null: os.dup2(null.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2); os.close(saved)

class QuietImporter(_abc.MetaPathFinder):
    "Imports the modules of `NOISY_MODULES` with file descriptor 2 silenced, once each."
    def find_spec(self, name, path, target=None):
        import importlib.util, sys
        if name not in NOISY_MODULES or name in sys.modules: return None
        sys.meta_path.remove(self)                 # find the real spec without us, then wrap its loader
        try: spec = importlib.util.find_spec(name)
        finally: sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None: return spec
        real = spec.loader
        class Loader(_abc.Loader):
            def create_module(self, spec): return real.create_module(spec)
            def exec_module(self, module):
                with silenced_stderr(): real.exec_module(module)
        spec.loader = Loader()
        return spec

def quiet_imports():
    "Set the quiet defaults (a value the user set wins) and silence the import of TensorFlow; once."
    import os, sys
    for k, v in QUIET_ENV.items(): os.environ.setdefault(k, v)
    if 'tensorflow' not in sys.modules and not any(isinstance(f, QuietImporter) for f in sys.meta_path):
        sys.meta_path.insert(0, QuietImporter())

import os as _os
_USER_ENV = {k: _os.environ.get(k) for k in QUIET_ENV}   # what the user had set, for `stemsep -v`
if _os.environ.get('STEMSEP_VERBOSE', '') in ('', '0'): quiet_imports()
