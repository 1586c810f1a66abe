// data: datasets, the DataLoader, transforms, synthetic and real datasets (platform-neutral parts).
// Reading MNIST, Fashion-MNIST and CSV files from disk is in "myelin/node".

export { BaseDataset, TensorDataset, Subset, ConcatDataset, MappedDataset, randomSplit, permutation, type Dataset } from "./dataset.js";
export { DataLoader, defaultCollate, type DataLoaderOptions, type Collated } from "./dataloader.js";
export { SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, type Sampler, type RandomSamplerOptions, type WeightedRandomSamplerOptions } from "./sampler.js";
export { xor, moons, twoSpirals, type SyntheticOptions } from "./synthetic.js";
export { parseCsv, parseCsvRows, type CsvOptions, type CsvData } from "./csv.js";
export { parseIdx, serializeIdx, type IdxArray } from "./idx.js";
export { idxToDataset, mnistFromDigits, FASHION_MNIST_CLASSES, MNIST_CLASSES, type ImageOptions, type ImageSplits, type MnistSplitOptions } from "./images.js";
export {
  RandomShift, RandomCrop, RandomHorizontalFlip, RandomRotation, GaussianNoise, Normalize, Compose, shift, rotate,
  type Transform, type TransformLike,
} from "./transforms.js";
export { slidingWindows, CharVocab, textChunks, parseCo2Csv, emailSubject, type WindowOptions } from "./sequence.js";
export { Tokenizer, CharTokenizer, BPETokenizer, padSequences, tokenizerFromJSON, type EncodeOptions, type PadOptions } from "./text.js";
export { karateClub, KARATE_EDGES, KARATE_CLUBS } from "./graphs.js";
export { RandomAffine, RandomResizedCrop, ElasticTransform, RandomVerticalFlip, ColorJitter, hflip, vflip, type AugmentOptions, type RandomAffineOptions, type RandomResizedCropOptions, type ElasticOptions } from "./augment.js";
export { spanCorruption, type SpanCorruptionOptions } from "./denoise.js";
export { captionedShapes, CAPTION_COLOURS, CAPTION_SHAPES, CAPTION_SIZES, type CaptionedShapesOptions } from "./captions.js";
export { synonymReplace, SYNONYM_GROUPS, type SynonymOptions } from "./synonyms.js";
export { coloredShapes, SHAPE_CLASSES, type ColoredShapesOptions } from "./shapes.js";
