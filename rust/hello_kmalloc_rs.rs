// SPDX-License-Identifier: GPL-2.0

//! hello_kmalloc's contract in Rust: /dev/hello0, a misc device; each open
//! gets a zeroed 64-byte buffer of its own, read, written and seeked like a
//! file of 64 bytes, and wiped when the last reference to the file goes.
//!
//! What 7.2's `kernel::miscdevice` cannot say, and the bindings used for it:
//! its file_operations have no `owner` (so nothing would stop an unload
//! while a file is open) and no `llseek` (lseek() would fail with ESPIPE),
//! and its registration always uses them.  So this module copies that
//! vtable into its own, adding both, and registers the misc device itself.
//! Its allocators free with kfree(); release() frees with kfree_sensitive().

use core::pin::Pin;
use kernel::{
    bindings,
    fs::{File, Kiocb},
    iov::{IovIterDest, IovIterSource},
    miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration},
    new_spinlock,
    prelude::*,
    sync::SpinLock,
    types::Opaque,
};

/// The size of each open file's buffer, as in the C driver's uapi header.
const BUF_SIZE: usize = 64;

/// include/linux/fs.h's FMODE_ATOMIC_POS, which bindgen cannot evaluate.
const FMODE_ATOMIC_POS: bindings::fmode_t = 1 << 15;

module! {
    type: HelloModule,
    name: "hello_kmalloc",
    authors: ["The hello_kmalloc developers"],
    description: "Misc device with a private zeroed buffer per open, in Rust",
    license: "GPL",
}

/// The debug lines of dyndbg.c: `enum hello_dbg_event` of dyndbg.h.
#[repr(i32)]
enum Event {
    Open,
    Release,
    Read,
    Wrote,
}

unsafe extern "C" {
    /// dyndbg.h: one pr_debug() call site per event.
    fn hello_kmalloc_dbg(event: i32, n: usize, pos: i64);
}

/// The debug line of event (n bytes at pos), if `dyndbg=+p` turned it on.
fn dbg(event: Event, n: usize, pos: i64) {
    // SAFETY: a C function of this module's that takes plain values and
    // only prints them.
    unsafe { hello_kmalloc_dbg(event as i32, n, pos) };
}

/// What one open() owns: the buffer, behind the lock that guards it.
#[pin_data]
struct HelloFile {
    #[pin]
    buf: SpinLock<[u8; BUF_SIZE]>,
}

#[vtable]
impl MiscDevice for HelloFile {
    type Ptr = Pin<KBox<Self>>;

    fn open(file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Self::Ptr> {
        // Allocated because a user asked: charge it to their memory cgroup.
        let hf = KBox::pin_init(
            pin_init!(HelloFile {
                buf <- new_spinlock!([0; BUF_SIZE]),
            }),
            GFP_KERNEL_ACCOUNT,
        )?;
        // SAFETY: open() is the only user of the file yet; f_mode is
        // written before any read(), write() or lseek() can look at it.
        unsafe { (*file.as_ptr()).f_mode |= FMODE_ATOMIC_POS };
        dbg(Event::Open, 0, 0);
        Ok(hf)
    }

    fn release(hf: Self::Ptr, _file: &File) {
        // SAFETY: the box is not used again; its contents are dropped in
        // place (nothing moves out of the pinned object), and the memory
        // came from KBox's kmalloc, which kfree_sensitive() frees.
        unsafe {
            let raw = KBox::into_raw(Pin::into_inner_unchecked(hf));
            core::ptr::drop_in_place(raw);
            bindings::kfree_sensitive(raw.cast());
        }
        dbg(Event::Release, 0, 0);
    }

    fn read_iter(mut kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterDest<'_>) -> Result<usize> {
        let pos = *kiocb.ki_pos_mut();
        let Ok(start) = usize::try_from(pos) else {
            return Ok(0);
        };
        if start >= BUF_SIZE || iov.is_empty() {
            return Ok(0);
        }
        let n = iov.len().min(BUF_SIZE - start);
        // the whole buffer: a constant-size copy, a few moves
        let snap = *kiocb.file().buf.lock();
        let done = iov.copy_to_iter(&snap[start..start + n]);
        if done == 0 {
            return Err(EFAULT);
        }
        *kiocb.ki_pos_mut() = pos + done as i64;
        dbg(Event::Read, done, pos);
        Ok(done)
    }

    fn write_iter(mut kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterSource<'_>) -> Result<usize> {
        let pos = *kiocb.ki_pos_mut();
        if iov.is_empty() {
            return Ok(0);
        }
        let start = match usize::try_from(pos) {
            Ok(start) if start < BUF_SIZE => start,
            _ => return Err(ENOSPC),
        };
        let n = iov.len().min(BUF_SIZE - start);
        // copy first, then store only the bytes that arrived
        let mut data = [0u8; BUF_SIZE];
        let done = iov.copy_from_iter(&mut data[..n]);
        if done == 0 {
            return Err(EFAULT);
        }
        kiocb.file().buf.lock()[start..start + done].copy_from_slice(&data[..done]);
        *kiocb.ki_pos_mut() = pos + done as i64;
        dbg(Event::Wrote, done, pos);
        Ok(done)
    }
}

/// The misc device's name, and so its node's: /dev/hello0.
const OPTIONS: MiscDeviceOptions = MiscDeviceOptions { name: c"hello0" };

/// `kernel::miscdevice`'s file_operations with what the contract adds.
const FOPS: bindings::file_operations = {
    // SAFETY: into_raw() points fops at a constant vtable.
    let base = unsafe { *OPTIONS.into_raw::<HelloFile>().fops };
    bindings::file_operations {
        // an open file holds a reference to the module: no unload
        owner: THIS_MODULE.as_ptr(),
        // the VFS's own, for a file of size 0: it reads no private_data
        llseek: Some(bindings::default_llseek),
        ..base
    }
};

/// The registered misc device: laid out as `MiscDeviceRegistration`, whose
/// reference the vtable's open() makes from the miscdevice pointer.
#[repr(transparent)]
#[pin_data(PinnedDrop)]
struct Registration {
    #[pin]
    misc: Opaque<bindings::miscdevice>,
}

// SAFETY: misc_deregister() may run on any thread.
unsafe impl Send for Registration {}
// SAFETY: &self methods only read the registered miscdevice.
unsafe impl Sync for Registration {}

impl Registration {
    fn register() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            misc <- Opaque::try_ffi_init(move |slot: *mut bindings::miscdevice| {
                let mut misc = OPTIONS.into_raw::<HelloFile>();
                misc.fops = &FOPS;
                // SAFETY: slot is ours to write, pinned until drop()
                // deregisters it.
                unsafe {
                    slot.write(misc);
                    kernel::error::to_result(bindings::misc_register(slot))
                }
            }),
        })
    }

    fn minor(&self) -> i32 {
        // SAFETY: misc_register() set minor, which nothing changes later.
        unsafe { (*self.misc.get()).minor }
    }
}

#[pinned_drop]
impl PinnedDrop for Registration {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: registered by register(), deregistered once, here.
        unsafe { bindings::misc_deregister(self.misc.get()) };
        pr_info!("unloaded, /dev/hello0 removed\n");
    }
}

#[pin_data]
struct HelloModule {
    #[pin]
    reg: Registration,
}

impl kernel::InPlaceModule for HelloModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            reg <- Registration::register(),
        })
        .pin_chain(|m| {
            pr_info!(
                "/dev/hello0 ready, major {} minor {}\n",
                bindings::MISC_MAJOR,
                m.reg.minor()
            );
            Ok(())
        })
    }
}
