// FinalizerRelease facts from Python snippets: which __del__ calls release a native resource,
// which classes offer close()/__exit__, and the identity and locations the rules rely on.
#include "PythonFrontend.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

std::vector<FinalizerRelease> releases(llvm::StringRef source) {
  return analyzePythonSource("t.py", source).finalizerReleases;
}

// The one fact for `className`, or a default-constructed one (className empty) when absent.
FinalizerRelease releaseOf(const std::vector<FinalizerRelease> &all, llvm::StringRef className) {
  for (const FinalizerRelease &r : all)
    if (r.className == className)
      return r;
  return {};
}

TEST(FinalizerReleaseCollector, ModuleLevelCtypesLibraryFreedInDel) {
  auto all = releases(R"(import ctypes
_lib = ctypes.CDLL("libx.so")
class Recognizer:
    def __init__(self):
        self._handle = _lib.x_new()
    def __del__(self):
        _lib.x_release(self._handle)
)");
  ASSERT_EQ(all.size(), 1u);
  const FinalizerRelease &r = all[0];
  EXPECT_EQ(r.className, "Recognizer");
  EXPECT_EQ(r.classBindingId, "t.py::Recognizer"); // the module binds the class name
  EXPECT_EQ(r.classLocation, (SourceLocation{"t.py", 3, 7, 3, 17}));
  EXPECT_EQ(r.releaseCall, (SourceLocation{"t.py", 7, 9, 7, 37}));
  EXPECT_EQ(r.releaseText, "_lib.x_release(self._handle)");
  EXPECT_FALSE(r.hasClose);
  EXPECT_FALSE(r.hasContextManager);
}

TEST(FinalizerReleaseCollector, ClassBindingIdIsTheEnclosingScopesBinding) {
  auto all = releases(R"(
def make(lib):
    class Local:
        def __del__(self):
            self._h.destroy()
    return Local
)");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].classBindingId, "t.py:2:1:Local"); // bound in make(), which starts at 2:1
  EXPECT_EQ(all[0].classLocation, (SourceLocation{"t.py", 3, 11, 3, 16}));
  EXPECT_EQ(all[0].releaseCall, (SourceLocation{"t.py", 5, 13, 5, 30}));
}

TEST(FinalizerReleaseCollector, LoadedLibraryForms) {
  auto all = releases(R"(import ctypes as ct
from ctypes import CDLL, windll
from cffi import FFI
from ._native import lib as native
try:
    _dll = CDLL("libx.so")
except OSError:
    _dll = None
ffi = FFI()
_abi = ffi.dlopen("liby.so")
_free = _dll.x_free
class Chained:
    def __del__(self):
        ct.CDLL("libc.so.6").free(self._p)
class FromImport:
    def __del__(self):
        _dll.x_dispose(self._p)
class Cffi:
    def __del__(self):
        _abi.y_destroy(self._p)
class FfiBuffer:
    def __del__(self):
        ffi.release(self._buf)
class OutOfLine:
    def __del__(self):
        native.z_close(self._p)
class Windows:
    def __del__(self):
        windll.kernel32.CloseHandle(self._h)
class Alias:
    def __del__(self):
        _free(self._p)
class ClassAttribute:
    _lib = ct.cdll.LoadLibrary("libw.so")
    def __del__(self):
        self._lib.w_stop(self._w)
class InstanceAttribute:
    def __init__(self):
        self._lib = ct.cdll["libv.so"]
    def __del__(self):
        self._lib.v_shutdown(self._v)
)");
  for (const char *name : {"Chained", "FromImport", "Cffi", "FfiBuffer", "OutOfLine", "Windows",
                           "Alias", "ClassAttribute", "InstanceAttribute"})
    EXPECT_EQ(releaseOf(all, name).className, name) << name << " has no fact";
  EXPECT_EQ(all.size(), 9u);
  EXPECT_EQ(releaseOf(all, "Chained").releaseText, "ct.CDLL(\"libc.so.6\").free(self._p)");
  EXPECT_EQ(releaseOf(all, "ClassAttribute").releaseCall, (SourceLocation{"t.py", 36, 9, 36, 34}));
  EXPECT_EQ(releaseOf(all, "InstanceAttribute").releaseText, "self._lib.v_shutdown(self._v)");
}

TEST(FinalizerReleaseCollector, ReleaseNamedCallOnOrWithAHandleAttribute) {
  auto all = releases(R"(from dev import free_handle, fclose
class OnHandle:
    def __del__(self):
        self._handle.close()
class WithHandle:
    def __del__(me):
        free_handle(me._h)
class CFunction:
    def __del__(self):
        fclose(self._fp)
class CamelCase:
    def __del__(self):
        self._ctx.ReleaseContext()
)");
  EXPECT_EQ(all.size(), 4u);
  EXPECT_EQ(releaseOf(all, "OnHandle").releaseText, "self._handle.close()");
  EXPECT_EQ(releaseOf(all, "WithHandle").releaseText, "free_handle(me._h)");
  EXPECT_EQ(releaseOf(all, "CFunction").releaseText, "fclose(self._fp)");
  EXPECT_EQ(releaseOf(all, "CamelCase").releaseText, "self._ctx.ReleaseContext()");
}

TEST(FinalizerReleaseCollector, PrefersTheReleaseNamedCallOverAnEarlierQuery) {
  auto all = releases(R"(import ctypes
_lib = ctypes.CDLL("libx.so")
class Recognizer:
    def __del__(self):
        if _lib.x_is_valid(self._h):
            _lib.x_destroy(
                self._h,
            )
)");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].releaseCall, (SourceLocation{"t.py", 6, 13, 8, 14}));
  EXPECT_EQ(all[0].releaseText, "_lib.x_destroy( self._h, )"); // whitespace runs collapsed
}

TEST(FinalizerReleaseCollector, CallsThatReleaseNothing) {
  auto all = releases(R"(import ctypes, logging
logger = logging.getLogger(__name__)
_lib = ctypes.CDLL("libx.so")
class Quiet:
    def __del__(self):
        logger.debug("closing %s", self._handle)
        print("free", self._handle)
        self._items.clear()
        self._callbacks.pop("done", None)
        self.close_requested = True
        if self._handle.is_closed():
            pass
        self._options.freeze()
        ctypes.sizeof(self._handle)
        ctypes.byref(self._handle)
        _lib.x_log(b"bye")
        self.release()
        super().__del__()
        def later():
            self._h.close()
        callback = lambda: self._h.close()
)");
  EXPECT_TRUE(all.empty()) << all.size() << " facts, first: " << all[0].releaseText;
}

TEST(FinalizerReleaseCollector, CloseAndContextManagerFlags) {
  auto all = releases(R"(class WithClose:
    def close(self): pass
    def __del__(self): self._h.close()
class WithShutdown:
    def shutdown(self): pass
    def __del__(self): self._h.close()
class WithAssignedRelease:
    def _free(self): pass
    free = _free
    def __del__(self): self._h.close()
class WithExit:
    def __exit__(self, *exc): pass
    def __del__(self): self._h.close()
class WithAsyncExit:
    async def __aexit__(self, *exc): pass
    def __del__(self): self._h.close()
class PrivateCloseOnly:
    def _close(self): pass
    def __del__(self): self._h.close()
)");
  ASSERT_EQ(all.size(), 6u);
  EXPECT_TRUE(releaseOf(all, "WithClose").hasClose);
  EXPECT_TRUE(releaseOf(all, "WithShutdown").hasClose);
  EXPECT_TRUE(releaseOf(all, "WithAssignedRelease").hasClose);
  EXPECT_FALSE(releaseOf(all, "WithExit").hasClose);
  EXPECT_TRUE(releaseOf(all, "WithExit").hasContextManager);
  EXPECT_TRUE(releaseOf(all, "WithAsyncExit").hasContextManager);
  EXPECT_FALSE(releaseOf(all, "PrivateCloseOnly").hasClose);
  EXPECT_FALSE(releaseOf(all, "PrivateCloseOnly").hasContextManager);
}

TEST(FinalizerReleaseCollector, SameFileBaseClasses) {
  auto all = releases(R"(import io
class Closable:
    def close(self): pass
class Managed:
    def __exit__(self, *exc): pass
class Plain:
    pass
class Owner:
    def __del__(self): self._h.destroy()
class InheritsClose(Closable):
    def __del__(self): self._h.destroy()
class InheritsExit(Plain, Managed):
    def __del__(self): self._h.destroy()
class InheritsNothing(Plain):
    def __del__(self): self._h.destroy()
class InheritsDel(Owner):
    pass
class ChainsUp(Owner):
    def __del__(self):
        print("bye")
        super().__del__()
class OtherModuleBase(io.RawIOBase):
    def __del__(self): self._h.destroy()
)");
  ASSERT_EQ(all.size(), 7u);
  EXPECT_TRUE(releaseOf(all, "InheritsClose").hasClose);
  EXPECT_TRUE(releaseOf(all, "InheritsExit").hasContextManager);
  EXPECT_FALSE(releaseOf(all, "InheritsNothing").hasClose);
  EXPECT_FALSE(releaseOf(all, "InheritsNothing").hasContextManager);
  // An inherited __del__: the subclass's own identity, the base's release call.
  FinalizerRelease owner = releaseOf(all, "Owner"), inherits = releaseOf(all, "InheritsDel");
  EXPECT_EQ(inherits.classBindingId, "t.py::InheritsDel");
  EXPECT_EQ(inherits.classLocation, (SourceLocation{"t.py", 16, 7, 16, 18}));
  EXPECT_EQ(inherits.releaseCall, owner.releaseCall);
  EXPECT_EQ(owner.releaseCall, (SourceLocation{"t.py", 9, 24, 9, 41}));
  EXPECT_EQ(releaseOf(all, "ChainsUp").releaseCall, owner.releaseCall);
  // A base from another module is not looked into: whatever it offers is unknown here.
  EXPECT_FALSE(releaseOf(all, "OtherModuleBase").hasClose);
}

TEST(FinalizerReleaseCollector, RedefinedBaseNameMeansTheEarlierClass) {
  auto all = releases(R"(class A:
    def close(self): pass
class A(A):
    def __del__(self): self._h.free()
)");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].hasClose);
}

TEST(FinalizerReleaseCollector, LastDelWins) {
  auto all = releases(R"(class Twice:
    def __del__(self): self._h.close()
    def __del__(self): print("nothing")
)");
  EXPECT_TRUE(all.empty());
}

TEST(FinalizerReleaseCollector, DeepNestingInDelDoesNotOverflow) {
  std::string nested = "class Deep:\n    def __del__(self):\n        x = ";
  nested += std::string(10000, '(') + "self._h.close()" + std::string(10000, ')') + "\n";
  auto all = releases(nested);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].releaseText, "self._h.close()");
  EXPECT_EQ(all[0].releaseCall.column, 10013u);
}

} // namespace
