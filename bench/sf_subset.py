"""Write a SoundFont holding only some of another's presets (and the instruments and samples they use), so that a
big SoundFont's best parts fit in the 64 MiB that travels to the GPU machine. Works on .sf2 (16-bit PCM) and .sf3
(Ogg Vorbis samples, as MuseScore writes them); the audio of a kept preset is unchanged (copied byte for byte).

    python bench/sf_subset.py IN.sf3 OUT.sf3 --programs 24-39,0-7 [--drums] [--sizes]

--programs: General MIDI programs (bank 0) to keep, e.g. 32-39 for the basses; --drums keeps bank 128 too;
--sizes: print what each program family weighs and write nothing."""
import argparse, struct
from pathlib import Path

REC = dict(phdr=('<20sHHHIII', 38), pbag=('<HH', 4), pmod=('<HHhHH', 10), pgen=('<HH', 4),
           inst=('<20sH', 22), ibag=('<HH', 4), imod=('<HHhHH', 10), igen=('<HH', 4),
           shdr=('<20sIIIIIBbHH', 46))
INSTRUMENT, SAMPLE_ID, VORBIS = 41, 53, 0x10

def chunks(data, start, stop):
    "(id, body start, body stop) of the RIFF chunks in data[start:stop]"
    while start + 8 <= stop:
        cid, size = data[start:start + 4].decode('latin-1'), struct.unpack_from('<I', data, start + 4)[0]
        yield cid, start + 8, start + 8 + size
        start += 8 + size
        if size & 1 and data[start:start + 4] not in (b"LIST", b"pdta", b"sdta", b"INFO") and start < stop: start += 1   # RIFF pads odd chunks; some writers do not

def read_sf(path):
    data = Path(path).read_bytes()
    assert data[:4] == b'RIFF' and data[8:12] == b'sfbk', f'{path}: not a SoundFont'
    lists = {}
    for cid, a, b in chunks(data, 12, len(data)):
        if cid == 'LIST': lists[data[a:a + 4].decode()] = (a + 4, b)
    info = data[lists['INFO'][0] - 4:lists['INFO'][1]]
    sub = {cid: (a, b) for cid, a, b in chunks(data, *lists['sdta'])}
    smpl = data[slice(*sub['smpl'])]
    assert 'sm24' not in sub, '24-bit samples (sm24) are not handled'
    pdta = {}
    for cid, a, b in chunks(data, *lists['pdta']):
        fmt, n = REC[cid]
        pdta[cid] = [list(struct.unpack_from(fmt, data, o)) for o in range(a, b, n)]
    return info, smpl, pdta

def subset(pdta, smpl, keep):
    "New (pdta, smpl) with the presets for which keep(bank, program) is true."
    ph, pb, pm, pg = pdta['phdr'], pdta['pbag'], pdta['pmod'], pdta['pgen']
    ih, ib, im, ig, sh = pdta['inst'], pdta['ibag'], pdta['imod'], pdta['igen'], pdta['shdr']
    presets = [i for i in range(len(ph) - 1) if keep(ph[i][2], ph[i][1])]
    insts = sorted({g[1] for i in presets for b in range(ph[i][3], ph[i + 1][3])
                    for g in pg[pb[b][0]:pb[b + 1][0]] if g[0] == INSTRUMENT})
    samples = {g[1] for i in insts for b in range(ih[i][1], ih[i + 1][1]) for g in ig[ib[b][0]:ib[b + 1][0]] if g[0] == SAMPLE_ID}
    samples |= {sh[s][8] for s in samples if sh[s][9] & 0x0f not in (1, 0) and sh[s][8] < len(sh) - 1}  # stereo partners
    samples = sorted(samples)
    inst_new, smp_new = {o: n for n, o in enumerate(insts)}, {o: n for n, o in enumerate(samples)}

    def copy_zones(headers, hidx, bags, mods, gens, key, remap):
        H, B, M, G = [], [], [], []
        for i in hidx:
            H.append(headers[i][:]); H[-1][key] = len(B)
            for b in range(headers[i][key], headers[i + 1][key]):
                B.append([len(G), len(M)])
                M += [m[:] for m in mods[bags[b][1]:bags[b + 1][1]]]
                for g in gens[bags[b][0]:bags[b + 1][0]]:
                    G.append([g[0], remap[g[1]]] if g[0] in (INSTRUMENT, SAMPLE_ID) else g[:])
        end = headers[-1][:]; end[key] = len(B); H.append(end)
        B.append([len(G), len(M)]); M.append(mods[-1][:]); G.append(gens[-1][:])
        return H, B, M, G

    out = {}
    out['phdr'], out['pbag'], out['pmod'], out['pgen'] = copy_zones(ph, presets, pb, pm, pg, 3, inst_new)
    out['inst'], out['ibag'], out['imod'], out['igen'] = copy_zones(ih, insts, ib, im, ig, 1, smp_new)
    new_smpl, shdr = bytearray(), []
    for s in samples:
        h = sh[s][:]
        if h[9] & VORBIS:                 # byte offsets of an Ogg stream; its loop points count from its start
            a, b = h[1], h[2]; h[1] = len(new_smpl); new_smpl += smpl[a:b]; h[2] = len(new_smpl)
        else:                             # 16-bit words; loop points are absolute; 46 zero words after each sample
            a, b = 2*h[1], 2*h[2]; shift = len(new_smpl)//2 - h[1]
            h[1] += shift; h[2] += shift; h[3] += shift; h[4] += shift
            new_smpl += smpl[a:b] + bytes(92)
        if h[9] & 0x0f not in (1, 0): h[8] = smp_new.get(h[8], 0)
        shdr.append(h)
    shdr.append(sh[-1][:])
    out['shdr'] = shdr
    if len(new_smpl) & 1: new_smpl += b'\0'   # even, so no pad byte follows it: some readers (symusic's) do not skip one
    return out, bytes(new_smpl), presets

def chunk(cid, body): return cid.encode() + struct.pack('<I', len(body)) + body + (b'\0' if len(body) & 1 else b'')

def write_sf(path, info, smpl, pdta):
    pd = b''.join(chunk(c, b''.join(struct.pack(REC[c][0], *r) for r in pdta[c])) for c in REC)
    body = b'sfbk' + chunk('LIST', info) + chunk('LIST', b'sdta' + chunk('smpl', smpl)) + chunk('LIST', b'pdta' + pd)
    Path(path).write_bytes(chunk('RIFF', body))

def programs(spec):
    out = set()
    for part in spec.split(','):
        a, _, b = part.partition('-'); out |= set(range(int(a), int(b or a) + 1))
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('src'); ap.add_argument('dst', nargs='?')
    ap.add_argument('--programs', default='0-127'); ap.add_argument('--drums', action='store_true')
    ap.add_argument('--sizes', action='store_true')
    a = ap.parse_args()
    info, smpl, pdta = read_sf(a.src)
    if a.sizes:
        for lo in range(0, 128, 8):
            _, s, p = subset(pdta, smpl, lambda bank, prog: bank == 0 and lo <= prog < lo + 8)
            print(f'programs {lo:3d}-{lo + 7:3d}: {len(p):3d} presets, {len(s)/1e6:6.2f} MB')
        _, s, p = subset(pdta, smpl, lambda bank, prog: bank == 128)
        print(f'drum bank 128     : {len(p):3d} presets, {len(s)/1e6:6.2f} MB')
    else:
        want = programs(a.programs)
        new, s, p = subset(pdta, smpl, lambda bank, prog: (bank == 0 and prog in want) or (a.drums and bank == 128))
        write_sf(a.dst, info, s, new)
        print(f'{a.dst}: {len(p)} presets, {len(new["inst"]) - 1} instruments, {len(new["shdr"]) - 1} samples, '
              f'{Path(a.dst).stat().st_size/1e6:.2f} MB')
