"""Fill the catalogs: `en` gets msgstr = msgid (our source strings are English),
`id` gets the translations in ID below. Run after `make messages`; it reports any
string still missing an Indonesian translation."""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "eventapp" / "translations"

ID = {
    "%(num)d parallel session": ("%(num)d sesi paralel",),
    "A new organiser needs a password.": "Penyelenggara baru memerlukan kata sandi.",
    "Academia": "Akademisi",
    "Access denied": "Akses ditolak",
    "Account and language": "Akun dan bahasa",
    "Agenda": "Agenda",
    "An invented person in the demo data": "Tokoh rekaan dalam data contoh",
    "Another conference already uses this address.": "Alamat ini sudah dipakai konferensi lain.",
    "Another gender": "Gender lain",
    "Another person in this conference has this e-mail address.": "Orang lain di konferensi ini sudah memakai alamat surel ini.",
    "Back to the conferences": "Kembali ke daftar konferensi",
    "Bad request": "Permintaan tidak valid",
    "Break": "Rehat",
    "Capacity must be a positive number.": "Kapasitas harus berupa bilangan positif.",
    "Central government": "Pemerintah pusat",
    "Choose a room of this conference.": "Pilih ruangan milik konferensi ini.",
    "Choose a sub-theme of this conference.": "Pilih sub tema milik konferensi ini.",
    "Civil society": "Masyarakat sipil",
    "Closing": "Penutupan",
    "Conferences": "Konferensi",
    "Conferences you organise": "Konferensi yang Anda selenggarakan",
    "Date": "Tanggal",
    "Development partner": "Mitra pembangunan",
    "Draft": "Draf",
    "Draft: only organisers can see this page.": "Draf: hanya penyelenggara yang dapat melihat halaman ini.",
    "E-mail address": "Alamat surel",
    "Enter a valid e-mail address.": "Masukkan alamat surel yang valid.",
    "Enter the person's name.": "Masukkan nama orang tersebut.",
    "Error %(code)s": "Galat %(code)s",
    "For your security the form could only be sent from an open page. Go back, reload the page and try again.":
        "Demi keamanan Anda, formulir hanya dapat dikirim dari halaman yang masih terbuka. Kembali, muat ulang halaman, lalu coba lagi.",
    "Give both a start and an end time, or neither.": "Isi waktu mulai dan selesai sekaligus, atau kosongkan keduanya.",
    "Give the session a title.": "Beri judul untuk sesi ini.",
    "Keynote": "Pembicara kunci",
    "Language": "Bahasa",
    "Man": "Laki-laki",
    "Media": "Media",
    "Moderator": ("Moderator",),
    "National parliament": "Parlemen nasional",
    "No conference has been published yet.": "Belum ada konferensi yang diterbitkan.",
    "Not allowed": "Tidak diizinkan",
    "Not stated": "Tidak disebutkan",
    "Opening": "Pembukaan",
    "Organisers and partners": "Penyelenggara dan mitra",
    "Other": "Lainnya",
    "Page not found": "Halaman tidak ditemukan",
    "Parallel session": "Sesi paralel",
    "Password": "Kata sandi",
    "Please sign in to open this page.": "Silakan masuk untuk membuka halaman ini.",
    "Plenary": "Pleno",
    "Private sector": "Sektor swasta",
    "Published": "Diterbitkan",
    "Rapporteur": ("Perapor",),
    "Regional government": "Pemerintah daerah",
    "Regional parliament": "DPRD",
    "Room": "Ruangan",
    "Sign in": "Masuk",
    "Sign out": "Keluar",
    "Skip to content": "Langsung ke konten",
    "Something went wrong": "Terjadi kesalahan",
    "Speaker": ("Narasumber",),
    "Sub-theme": "Sub tema",
    "Sub-themes": "Sub tema",
    "The agenda has not been published yet.": "Agenda belum diterbitkan.",
    "The e-mail address or password is not right.": "Alamat surel atau kata sandi tidak cocok.",
    "The error has been logged. Please try again in a moment.": "Kesalahan ini sudah dicatat. Silakan coba lagi sebentar lagi.",
    "The form has expired": "Formulir sudah kedaluwarsa",
    "The last day cannot be before the first day.": "Hari terakhir tidak boleh sebelum hari pertama.",
    "The page you asked for does not exist, or is not public yet.": "Halaman yang Anda minta tidak ada, atau belum dibuka untuk umum.",
    "The request could not be understood.": "Permintaan tidak dapat dipahami.",
    "The session must end after it starts.": "Sesi harus selesai setelah dimulai.",
    "The session must take place during the conference.": "Sesi harus berlangsung pada hari-hari konferensi.",
    "This conference already has a sub-theme with that code.": "Konferensi ini sudah memiliki sub tema dengan kode tersebut.",
    "This field is required.": "Kolom ini wajib diisi.",
    "This page cannot be used that way.": "Halaman ini tidak dapat digunakan dengan cara itu.",
    "This person already has a role in this session.": "Orang ini sudah memiliki peran dalam sesi ini.",
    "This person belongs to another conference.": "Orang ini terdaftar di konferensi lain.",
    "This venue already has a room with that name.": "Tempat ini sudah memiliki ruangan dengan nama tersebut.",
    "Time zone": "Zona waktu",
    "Unknown time zone.": "Zona waktu tidak dikenal.",
    "Use a colour such as #1f6f8b.": "Gunakan warna seperti #1f6f8b.",
    "Use at least %(n)d characters.": "Gunakan paling sedikit %(n)d karakter.",
    "Use at most %(max)d characters.": "Gunakan paling banyak %(max)d karakter.",
    "Use lowercase letters, digits and hyphens only.": "Gunakan huruf kecil, angka dan tanda hubung saja.",
    "Venue": "Tempat",
    "Woman": "Perempuan",
    "You are signed in.": "Anda sudah masuk.",
    "You are signed out.": "Anda sudah keluar.",
    "You do not have permission to open this page.": "Anda tidak memiliki izin untuk membuka halaman ini.",
    "conference manager for policy conferences": "pengelola konferensi untuk konferensi kebijakan",
    "demo": "contoh",
}


def fill(lang: str) -> list[str]:
    path = ROOT / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if lang == "en":
            message.string = message.id if isinstance(message.id, tuple) else message.id
            if isinstance(message.id, tuple):
                message.string = tuple(message.id)
        else:
            value = ID.get(key)
            if value is None:
                if not (message.string and (message.string[0] if isinstance(message.string, tuple) else message.string)):
                    missing.append(key)
                continue
            message.string = value if isinstance(message.id, tuple) == isinstance(value, tuple) else value
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, omit_header=False, sort_output=True, no_location=True, width=100)
    return missing


if __name__ == "__main__":
    fill("en")
    missing = fill("id")
    for key in missing:
        print(f"missing Indonesian translation: {key!r}", file=sys.stderr)
    sys.exit(1 if missing else 0)
